"""Demo data for every feature, kept out of the product's packages (`manage.py load_demo`)."""
