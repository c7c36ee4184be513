"""Qualification: the agreed definition, rule scores and the predictive model."""
