"""Sections of the larger pages, one function each: inputs, compute via core, render.

A page file lays the sections out (tabs); each section stays a short top-to-bottom function.
"""
