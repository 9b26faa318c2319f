"""The Transformer families: one module each, registered in
:data:`explorer.families.FAMILIES`; each declares its layout, vocabulary, defaults, rules
and Hugging Face binding."""
