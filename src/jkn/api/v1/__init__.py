"""The REST API, version 1."""

from fastapi import APIRouter

from jkn.api.errors import problem
from jkn.api.v1 import (
                                                                            calculations,
                                                                            complaints,  # portal (issue #6)
                                                                            workareas,
)

router = APIRouter(prefix="/api/v1", responses={422: problem("Invalid input: `detail` says what to fix, "
                                                                            "`errors` lists every input refused")})
router.include_router(workareas.router)
router.include_router(calculations.router)
router.include_router(complaints.router)  # portal (issue #6)
from jkn.api.v1 import care  # noqa: E402  care flow (issue #5)

router.include_router(care.router)  # care flow (issue #5)
from jkn.api.v1 import billing, employers, membership  # noqa: E402  membership and billing (issue #4)

router.include_router(membership.router); router.include_router(employers.router); router.include_router(employers.imports); router.include_router(billing.router)  # issue #4
from jkn.api.v1 import policy  # noqa: E402  policy what-if (issue #12)

router.include_router(policy.router)  # issue #12
