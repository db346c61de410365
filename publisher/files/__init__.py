"""Reading local files safely: regular files opened without blocking, the jar and its
atlassian-plugin.xml, listing images recognised by their content, and sha512 hashes."""
