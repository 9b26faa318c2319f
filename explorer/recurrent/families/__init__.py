"""The recurrent families: one module each (``rnn``, ``lstm`` and ``lstmp``, ``gru``),
registered in :data:`explorer.families.FAMILIES`."""
