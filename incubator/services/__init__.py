"""Every change to the incubator's data goes through a function in these modules."""
