"""gpscli: read, validate, aggregate and report government-purchase-of-services submissions.

The library never prints or exits; :mod:`gpscli.cli` is the only module that does.
Typical use::

    from gpscli import api
    batch = api.load(["sample_data"])
    table = api.aggregate(batch, year=2016)
    print(table.total.count, table.total.amount)   # 55 16252.68
"""

__version__ = "0.1.0"
