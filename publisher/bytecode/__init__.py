"""Compiled Java, read without a JVM: class files, the jars that hold them, their manifests, a host
product's API surface, and which of a plugin's references that surface resolves."""
