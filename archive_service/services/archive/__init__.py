"""The archive file (R12, R13, R18, R19, R22): its receipt and number, its record, moves and
voiding, locations, labels, scans, who may read it, and its availability."""
