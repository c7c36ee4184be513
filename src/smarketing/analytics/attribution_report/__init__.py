"""Attribution over the database: journeys built from touchpoints, deals and the stage history,
every model computed by a background job and stored with the data version it read, a side-by-side
page, an API and the CLI's database mode. The maths is the pure `analytics.attribution` package."""
