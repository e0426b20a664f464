"""The R3 ledgers and the search box: they read every capability, only web and reports call them."""
