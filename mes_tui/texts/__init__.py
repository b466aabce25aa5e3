"""Every sentence the person reads, in French, in one package.

Modules are split by layer so that the domain and service layers can import
their messages without pulling in anything from the interface.
"""
