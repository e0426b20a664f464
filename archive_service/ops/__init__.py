"""Operations beside the CLI: backup and restore, the demo data."""
