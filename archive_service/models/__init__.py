"""The tables and their indexes, one module per capability. No business rules here: those live in
domain/ and services/. A capability adds `models/<capability>.py` with a `MODELS` list, imports it
below and extends ALL_MODELS; every model change also ships a `migrations/mNNNN_*.py` step."""
from .certificates import *  # noqa: F403
from .certificates import MODELS as CERTIFICATE_MODELS
from .core import *  # noqa: F403
from .core import ALL_MODELS as CORE_MODELS
from .departure import *  # noqa: F403
from .departure import MODELS as DEPARTURE_MODELS
from .handover_rounds import *  # noqa: F403
from .handover_rounds import MODELS as HANDOVER_ROUNDS_MODELS
from .ledgers import *  # noqa: F403
from .ledgers import MODELS as LEDGERS_MODELS
from .loans import *  # noqa: F403
from .loans import MODELS as LOANS_MODELS
from .sessions import *  # noqa: F403
from .sessions import MODELS as SESSIONS_MODELS

ALL_MODELS = [*CORE_MODELS, *SESSIONS_MODELS, *CERTIFICATE_MODELS]
ALL_MODELS += HANDOVER_ROUNDS_MODELS
ALL_MODELS += LEDGERS_MODELS
ALL_MODELS += DEPARTURE_MODELS
ALL_MODELS += LOANS_MODELS
