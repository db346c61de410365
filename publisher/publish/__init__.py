"""Plan and execute a publish: Release + live state -> Plan -> Execution -> RunReport."""
