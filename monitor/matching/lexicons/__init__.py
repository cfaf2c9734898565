"""Cue lexicons, one YAML file per language (az, ru, en); see docs/matching.md.

A package only so that the YAML files ship as package data and load with importlib.resources.
"""
