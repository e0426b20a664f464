"""How numbers read on the pages."""
from decimal import Decimal, InvalidOperation

FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
           '<rect x="3" y="5" width="26" height="23" rx="3" fill="#212529"/>'
           '<rect x="7" y="2" width="18" height="6" rx="1.5" fill="#0d6efd"/>'
           '<text x="16" y="24" font-size="14" text-anchor="middle" fill="#fff" font-family="sans-serif">档</text>'
           '</svg>')


def yuan(amount):
    """1234567 -> "¥1,234,567.00"; anything that is not a number is shown as given."""
    try:
        return f"¥{Decimal(str(amount)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(amount)
