"""Subject resolution over the case: who the findings belong to. Plain Python, no SQL.

- ``classes.py``   identifier classes (primary unique / account, secondary, name, tertiary) and strengths
- ``names.py``     what a value spells (a name's first and last name, an e-mail local part, a phone's digits)
- ``evidence.py``  the records resolution reads (observations per file) and writes (people, links, assignments)
- ``units.py``     a file cut into units that each speak about one person (record, block, line, cell, header,
  document)
- ``sharing.py``   pass 1: identifiers shared by several people stop linking
- ``resolve.py``   pass 2: units joined into people, strongest first; each finding linked; stable ids
- ``gazetteer.py`` the resolved people's names as keyed fingerprints, found again in text

The case store (``spill/case/people.py``) streams its findings in as evidence and writes the result back.
"""
