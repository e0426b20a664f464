"""Adapters to the world outside: PDF and label printing, the scan store, rasters, notification
channels. They know no business rule and import no service."""
