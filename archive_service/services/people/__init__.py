"""What a person holds and handing it on (R21): departure and reassignment."""
