"""Statistics, the dashboard and Excel exports: they read everything, only web and the CLI call them."""
