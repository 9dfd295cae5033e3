"""Checks that schemas/des/des-types.xsd and des-parts.xsd still say what common.wsdl says.

    python3 schema_drift.py <common.wsdl> <des-types.xsd> <des-parts.xsd>

Structures must match element for element (name, type, minOccurs, maxOccurs, order). Arrays must restrict
soapenc:Array, keep the WSDL's wsdl:arrayType, and declare <item> members of exactly that item type. Every
<message> part must be a global element of des-parts.xsd with the part's type. Prints the differences and exits 1
when there are any, prints OK and exits 0 otherwise.
"""
import sys
import xml.etree.ElementTree as ET

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"


def qname(value, element_namespaces):
    """Resolves a prefixed type name to {namespace}local (no prefix: the XML Schema namespace, as both files
    declare it the default)."""
    prefix, _, local = value.rpartition(":")
    return "{%s}%s" % (element_namespaces.get(prefix, XS if not prefix else prefix), local)


def namespaces(path):
    return dict(node for _, node in ET.iterparse(path, events=["start-ns"]))


def types_of(schema, ns):
    result = {}
    for complex_type in schema.findall("{%s}complexType" % XS):
        name = complex_type.get("name")
        sequence = complex_type.find("{%s}sequence" % XS)
        restriction = complex_type.find("{%s}complexContent/{%s}restriction" % (XS, XS))
        if sequence is not None:
            result[name] = ("struct", [(e.get("name"), qname(e.get("type"), ns), e.get("minOccurs", "1"),
                                        e.get("maxOccurs", "1")) for e in sequence])
        elif restriction is not None:
            attribute = restriction.find("{%s}attribute" % XS)
            array_type = attribute.get("{%s}arrayType" % WSDL) if attribute is not None else None
            items = restriction.findall("{%s}sequence/{%s}element" % (XS, XS))
            result[name] = ("array", qname(restriction.get("base"), ns), qname(array_type[:-2], ns) if array_type else None,
                            [(e.get("name"), qname(e.get("type"), ns)) for e in items])
        else:
            result[name] = ("unknown",)
    return result


def main():
    wsdl_path, types_path, parts_path = sys.argv[1:4]
    problems = []
    wsdl = ET.parse(wsdl_path).getroot()
    wsdl_types = types_of(wsdl.find("{%s}types/{%s}schema" % (WSDL, XS)), namespaces(wsdl_path))
    xsd_types = types_of(ET.parse(types_path).getroot(), namespaces(types_path))
    for name in sorted(set(wsdl_types) | set(xsd_types)):
        ours, theirs = xsd_types.get(name), wsdl_types.get(name)
        if ours is None or theirs is None:
            problems.append("%s: only in %s" % (name, "common.wsdl" if ours is None else "des-types.xsd"))
        elif theirs[0] == "struct" and ours != theirs:
            problems.append("%s: elements differ\n  wsdl: %s\n  xsd:  %s" % (name, theirs[1], ours[1] if len(ours) > 1 else ours))
        elif theirs[0] == "array":
            if ours[0] != "array" or ours[1] != theirs[1] or ours[2] != theirs[2]:
                problems.append("%s: array base or arrayType differs: %s vs %s" % (name, ours, theirs))
            elif ours[3] != [("item", theirs[2])]:
                problems.append("%s: members %s are not <item> of %s" % (name, ours[3], theirs[2]))
    parts_ns = namespaces(parts_path)
    declared = {e.get("name"): qname(e.get("type"), parts_ns)
                for e in ET.parse(parts_path).getroot().findall("{%s}element" % XS)}
    wsdl_ns = namespaces(wsdl_path)
    wsdl_parts = {}
    for message in wsdl.findall("{%s}message" % WSDL):
        for part in message.findall("{%s}part" % WSDL):
            wsdl_parts[part.get("name")] = qname(part.get("type"), wsdl_ns)
    if declared != wsdl_parts:
        for name in sorted(set(declared) | set(wsdl_parts)):
            if declared.get(name) != wsdl_parts.get(name):
                problems.append("part %s: des-parts.xsd %s, common.wsdl %s" % (name, declared.get(name), wsdl_parts.get(name)))
    if problems:
        print("\n".join(problems))
        return 1
    print("OK: %d types, %d parts agree" % (len(wsdl_types), len(wsdl_parts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
