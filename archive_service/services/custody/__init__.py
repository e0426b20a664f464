"""Important certificates in the safe (R14-R16): handover lists, custody under dual
control, kinds, the custodian's desk and stock-takes."""
