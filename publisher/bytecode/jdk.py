"""What the JDK (17, the Data Center baseline) provides: its packages, and java.lang.Object's
methods, which every class inherits. No JVM runs: a reference into the JDK is taken as present
(`java.*` and the JDK's own `javax.*` modules, not `javax.servlet`, which hosts ship)."""

from __future__ import annotations

# Internal-name prefixes of the packages in the JDK's java.se and jdk.* modules.
_PREFIXES = (
    "java/",
    "jdk/",
    "sun/",
    "javax/accessibility/",
    "javax/annotation/processing/",
    "javax/crypto/",
    "javax/imageio/",
    "javax/lang/model/",
    "javax/management/",
    "javax/naming/",
    "javax/net/",
    "javax/print/",
    "javax/rmi/ssl/",
    "javax/script/",
    "javax/security/auth/",
    "javax/security/cert/",
    "javax/security/sasl/",
    "javax/smartcardio/",
    "javax/sound/",
    "javax/sql/",
    "javax/swing/",
    "javax/tools/",
    "javax/transaction/xa/",
    "javax/xml/catalog/",
    "javax/xml/crypto/",
    "javax/xml/datatype/",
    "javax/xml/namespace/",
    "javax/xml/parsers/",
    "javax/xml/stream/",
    "javax/xml/transform/",
    "javax/xml/validation/",
    "javax/xml/xpath/",
    "javax/xml/XMLConstants",
    "org/ietf/jgss/",
    "org/w3c/dom/",
    "org/xml/sax/",
    "com/sun/net/httpserver/",
    "com/sun/management/",
    "com/sun/security/",
    "com/sun/jndi/",
    "com/sun/nio/",
    "com/sun/source/",
    "com/sun/tools/",
    "com/sun/jdi/",
    "com/sun/crypto/",
    "com/sun/org/apache/",
    "com/sun/rowset/",
    "com/sun/java/",
    "com/sun/jarsigner/",
)
OBJECT = "java/lang/Object"
OBJECT_METHODS = frozenset(
    {
        "<init>()V",
        "getClass()Ljava/lang/Class;",
        "hashCode()I",
        "equals(Ljava/lang/Object;)Z",
        "clone()Ljava/lang/Object;",
        "toString()Ljava/lang/String;",
        "notify()V",
        "notifyAll()V",
        "wait()V",
        "wait(J)V",
        "wait(JI)V",
        "finalize()V",
    }
)


def is_jdk(name: str) -> bool:
    """Whether an internal class name (com/x/Y) is the JDK's."""
    return name.startswith(_PREFIXES)


def is_jdk_package(package: str) -> bool:
    """The same for a dotted package name (an OSGi Import-Package entry)."""
    return is_jdk(package.replace(".", "/") + "/")
