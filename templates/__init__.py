"""The Danish e-mail templates: one folder per message kind (subject.txt, body.txt, body.html) and the shared
parts (_*.txt, _*.html). Data only, shipped as package data and read by mailing/rendering.py with
importlib.resources."""
