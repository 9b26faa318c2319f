"""Building blocks: each module returns the named terms of one piece of a network
(``gates``, ``projection``, ``attention``, ``mlp`` ...); import them from their modules.

Nothing is imported here: the families' naming data imports ``explorer.blocks.attention``
and ``explorer.blocks.mlp`` when ``explorer`` is imported, and a process that reads its
counts from the cache must not import sympy through this package.
"""
