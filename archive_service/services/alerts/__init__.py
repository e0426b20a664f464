"""What is late and whom it concerns (R10, R15, R17): the overdue sweep, reminders and the
notification centre."""
