"""The contacts' and accounts' scores lose their (group, total) indexes. No query used the
accounts' one. The lead list's score filters were as quick or quicker without the contacts'
one, at 100,000 and 1,000,000 contacts on both databases: its plans drive from the contacts and
join the scores, and where SQLite did use it (a minimum score met by a quarter of the contacts)
counting took 1.4 s with it and 0.3 s without. Every score that changes wrote its entry
again: without them a full rescoring of a million contacts went from 22,900 to 25,800 contacts
a second on PostgreSQL and from 23,700 to 26,500 on SQLite."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("scoring", "0011_explanation_text")]

    operations = [
        migrations.RemoveIndex(model_name="currentcontactscore", name="current_score_total"),
        migrations.RemoveIndex(
            model_name="currentaccountscore", name="current_account_score_total"
        ),
    ]
