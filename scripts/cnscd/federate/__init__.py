"""Federation: one province package per province (`cnscd split`), and the national package and site built
back from them (`cnscd federate`), each province fetched and validated on its own so one broken province
never stops the others.
"""
