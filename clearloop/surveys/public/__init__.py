"""The public survey link: pages a respondent answers, and a JSON submit endpoint."""
