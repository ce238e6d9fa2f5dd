"""What every bridging service shares (see :mod:`jkn.bridging`): ``crypto`` (signatures, v2 sealing),
``lzfast`` (the fast LZ-string step), ``nesting`` (body depth before parsing), ``envelope``
(codes and each service's conventions), ``protocol`` (authentication, routing, bodies),
``settings`` (limits), ``server`` (one request: limits, auth, call, seal, write once),
``dispatch`` (the ASGI front)."""
