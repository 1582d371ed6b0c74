"""Irritants: client pain points reported from the field by emoji or shortcut, triaged, resolved.

`rules` holds the rules, `usecases` what listeners ask for, `capture` the share of the event
ingest, `feature` the declaration the wiring collects.
"""
