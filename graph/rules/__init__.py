"""The rules of a dataset, one module per family, called in order by ``graph.validate.check``.

- ``common``: what the families share: the declared rules of ``graph.schema``
  read once, ``Run`` (what one family found, for the next), and the
  messages several give;
- ``sources``: source ids, and the ``source`` and ``confidence`` of any record;
- ``nodes``: kinds, ids, each node's fields and inputs, input names;
- ``edges``: each edge, and the share sums of each consumer and commodity;
- ``groups``: group names and members.
"""
