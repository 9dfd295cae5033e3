"""Interoperability check of the Swift DES codec against suds (an independent SOAP 1.1 stack).

Run by Tests/DESTests/InteropTests.swift:
    python3 suds_interop.py <schemas/des> <responses dir>   ->  JSON on stdout

For every operation of registry.wsdl and transactionlog.wsdl, suds builds the request from the values below
(nosend: no network) and the script prints the envelope, the same envelope transformed into the Apache Axis
multi-reference form, and the values. For every response envelope written by the Swift test into the responses
directory (<operation>.xml), suds parses it and the script prints the values it read.
"""
import datetime
import json
import os
import sys
from xml.dom import minidom

from suds.client import Client
from suds.sudsobject import Object as SudsObject

TYPES = "urn:KyotoProtocol:RegistrySystem:ITL:Types:1.0:0.0"
ENV = "http://schemas.xmlsoap.org/soap/envelope/"
ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
UTC = datetime.timezone.utc


def when(*parts):
    return datetime.datetime(*parts, tzinfo=UTC)


def block(start, end, **extra):
    values = {"unitSerialBlockStart": start, "unitSerialBlockEnd": end, "originatingRegistryCode": "CDM",
              "unitType": 5, "originalCommitPeriod": 2, "applicableCommitPeriod": 2}
    values.update(extra)
    return values


FULL_BLOCK = block(1000001, 1001000, suppUnitType=0, LULUCFActivity=3, projectIdentifier=1234, track=1,
                   blockRole="T", transferringRegistryAccountType=100, transferringRegistryAccountIdentifier=7,
                   acquiringRegistryAccountType=120, acquiringRegistryAccountIdentifier=8,
                   yearInCommitmentPeriod=2015, installationIdentifier=99, expiryDate=datetime.date(2030, 12, 31))
HEADER = {"from": "ITL", "to": "CDM", "majorVersion": 1, "minorVersion": 1}
HEADER_TO_ITL = {"from": "CDM", "to": "ITL", "majorVersion": 1, "minorVersion": 1}
IDENT = {"unitSerialBlockStart": 5, "unitSerialBlockEnd": 9, "originatingRegistryCode": "JP"}

# operation -> (request type, values, {field: item type} for arrays and nested structures)
REQUESTS = {
    "acceptProposal": ("ProposalRequest", dict(HEADER_TO_ITL, proposedTransaction={
        "transactionIdentifier": "CDM1000001", "transactionType": 3, "suppTransactionType": 0,
        "transferringRegistryCode": "CDM", "transferringRegistryAccountType": 100,
        "transferringRegistryAccountIdentifier": 1, "acquiringRegistryCode": "JP",
        "acquiringRegistryAccountType": 100, "acquiringRegistryAccountIdentifier": 1234,
        "notificationIdentifier": 77, "proposalUnitBlocks": [FULL_BLOCK, block(2000001, 2000500)]})),
    "acceptNotification": ("NotificationRequest", dict(HEADER, transactionIdentifier="CDM1000001",
        transactionStatus=6, partyType=1, evaluationResult=[
            {"responseCode": 5902}, {"responseCode": 4010, "unitBlockIdentifiers": [IDENT]}])),
    "acceptMessage": ("MessageRequest", dict(HEADER, messageContent="Maintenance <Saturday> & Sunday",
        messageDateTime=when(2026, 11, 28, 6, 13, 30, 123000))),
    "acceptITLNotice": ("ITLNoticeRequest", dict(HEADER, messageContent="tCER expiry", messageDate=when(2026, 1, 2, 3, 4, 5),
        notificationType=3, notificationIdentifier=4242, notificationStatus=1, projectNumber="0001",
        unitType=6, targetValue=500, targetDate=datetime.date(2027, 6, 30), LULUCFActivity=2, commitPeriod=2,
        actionDueDate=datetime.date(2027, 7, 31), unitBlockIdentifiers=[IDENT])),
    "provideTime": ("ProvideTimeRequest", dict(HEADER, ITLSystemTime=when(2026, 11, 28, 23, 59, 59))),
    "initiateReconciliation": ("InitiateReconciliationRequest", dict(HEADER, reconciliationIdentifier="R-2026-11",
        snapshotDatetime=when(2026, 11, 1))),
    "provideTotals": ("ProvideTotalsRequest", dict(HEADER, reconciliationIdentifier="R-2026-11",
        reconciliationSnapshotDatetime=when(2026, 11, 1), reconciliationStatus=1, unitType=5, suppUnitType=0,
        accountCommitPeriod=2, accountType=100, byAccountFlag=1, responseCodes=[1, 2])),
    "provideUnitBlocks": ("ProvideUnitBlocksRequest", dict(HEADER, reconciliationIdentifier="R-2026-11",
        reconciliationSnapshotDatetime=when(2026, 11, 1), unitBlockRequests=[
            {"unitType": 5, "accountCommitPeriod": 2, "accountType": 100, "accountIdentifier": 3}, {}])),
    "provideAuditTrail": ("ProvideAuditTrailRequest", dict(HEADER, reconciliationIdentifier="R-2026-11",
        auditTrailBeginDatetime=when(2026, 1, 1), auditTrailEndDatetime=when(2026, 11, 1, 12, 0, 0, 500000),
        accountType=100, accountIdentifier=5, accountCommitPeriod=2, unitType=5, suppUnitType=0,
        unitBlockIdentifiers=[IDENT], responseCodes=[7])),
    "receiveReconciliationResult": ("ReconciliationResultRequest", dict(HEADER, reconciliationIdentifier="R-2026-11",
        reconciliationStatus=5)),
    "getTransactionStatus": ("TransactionStatusRequest", dict(HEADER_TO_ITL, transactionIdentifier="CDM1000001")),
    "receiveAuditTrail": ("ReceiveAuditTrailRequest", dict(HEADER_TO_ITL, reconciliationIdentifier="R-2026-11",
        transactions=[{"transactionIdentifier": "CDM1000001", "transactionType": 3,
                       "transactionStatusDateTime": when(2026, 3, 4, 5, 6, 7), "transferringRegistryCode": "CDM",
                       "acquiringRegistryCode": "JP", "transactionBlocks": [FULL_BLOCK]}])),
    "receiveTotals": ("ReceiveTotalsRequest", dict(HEADER_TO_ITL, reconciliationIdentifier="R-2026-11", totals=[
        {"accountType": 100, "accountIdentifier": 5, "accountCommitPeriod": 2, "unitType": 5, "unitCount": 1500},
        {"accountType": 300, "accountCommitPeriod": 1, "unitType": 5, "suppUnitType": 0, "unitCount": 0}])),
    "receiveUnitBlocks": ("ReceiveUnitBlocksRequest", dict(HEADER_TO_ITL, reconciliationIdentifier="R-2026-11",
        unitBlocks=[{"unitSerialBlockStart": 1, "unitSerialBlockEnd": 10, "originatingRegistryCode": "CDM",
                     "unitType": 5, "accountType": 100, "accountIdentifier": 5, "applicableCommitPeriod": 2}])),
}

# The type of each nested structure or array item, by element name (the WSDL is unambiguous per message).
ITEM_TYPES = {
    "proposedTransaction": "ProposalTransaction", "proposalUnitBlocks": "TransactionUnitBlock",
    "evaluationResult": "EvaluationResult", "unitBlockIdentifiers": "UnitBlockIdentifier",
    "unitBlockRequests": "UnitBlockRequest", "transactions": "Transaction",
    "transactionBlocks": "ReconciliationTransactionUnitBlock", "totals": "Total", "unitBlocks": "UnitBlock",
}


def lexical(value):
    """The canonical text of a value, as the Swift encoder writes it."""
    if isinstance(value, datetime.datetime):
        value = value.astimezone(UTC)
        text = value.strftime("%Y-%m-%dT%H:%M:%S")
        millis = value.microsecond // 1000
        return text + (".%03d" % millis if millis else "") + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def plain(values):
    if isinstance(values, dict):
        return {key: plain(value) for key, value in values.items()}
    if isinstance(values, list):
        return [plain(item) for item in values]
    return lexical(values)


def build(client, type_name, values, context=None):
    obj = client.factory.create("{%s}%s" % (TYPES, type_name))
    for key in list(obj.__keylist__):
        setattr(obj, key, None)
    for key, value in values.items():
        if isinstance(value, dict):
            value = build(client, ITEM_TYPES[key], value)
        elif isinstance(value, list):
            item_type = ITEM_TYPES.get(key)
            if item_type is None and key == "unitBlockIdentifiers" or (context == "ProvideAuditTrailRequest"
                                                                    and key == "unitBlockIdentifiers"):
                item_type = "ReconciliationUnitBlockIdentifier"
            value = [build(client, item_type, item) if isinstance(item, dict) else item for item in value]
        setattr(obj, key, value)
    return obj


def to_multiref(envelope):
    """Rewrites an inline rpc/encoded envelope into the Apache Axis 1.x multi-reference form: every structure and
    array below the body entry becomes an independent <multiRef id=".." SOAP-ENC:root="0"> after the entry, and
    its accessor an empty element with href="#id". (minidom keeps the namespace declarations and prefixes that
    xsi:type values rely on.)"""
    document = minidom.parseString(envelope)
    body = [node for node in document.documentElement.childNodes
            if node.nodeType == node.ELEMENT_NODE and node.localName == "Body"][0]
    entry = [node for node in body.childNodes if node.nodeType == node.ELEMENT_NODE][0]
    refs = []

    def elements(node):
        return [child for child in node.childNodes if child.nodeType == child.ELEMENT_NODE]

    def extract(element):
        for child in elements(element):
            if not elements(child):
                continue
            extract(child)
            ident = "id%d" % len(refs)
            multiref = document.createElement("multiRef")
            for index in range(child.attributes.length):
                attribute = child.attributes.item(index)
                multiref.setAttribute(attribute.name, attribute.value)
            multiref.setAttribute("id", ident)
            multiref.setAttribute("SOAP-ENC:root", "0")
            multiref.setAttribute("SOAP-ENV:encodingStyle", ENC)
            while child.firstChild is not None:
                multiref.appendChild(child.removeChild(child.firstChild))
            for name in list(child.attributes.keys()):
                child.removeAttribute(name)
            child.setAttribute("href", "#" + ident)
            refs.append(multiref)

    extract(entry)
    for multiref in refs:
        body.appendChild(multiref)
    return document.toxml()


def suds_values(value):
    if isinstance(value, SudsObject):
        return {key: suds_values(item) for key, item in value if item is not None}
    if isinstance(value, list):
        return [suds_values(item) for item in value]
    if hasattr(value, "value") and callable(getattr(value, "value", None)):
        value = value.value()
    return lexical(value)


def main():
    schemas, responses = sys.argv[1], sys.argv[2]
    out = {"requests": [], "responses": []}
    for service in ("registry", "transactionlog"):
        client = Client("file://" + os.path.abspath(os.path.join(schemas, service + ".wsdl")), nosend=True, cache=None)
        for method in client.wsdl.services[0].ports[0].methods.values():
            name = method.name
            type_name, values = REQUESTS[name]
            request = build(client, type_name, values, context=type_name)
            context = getattr(client.service, name)(request)
            envelope = context.envelope.decode("utf-8") if isinstance(context.envelope, bytes) else context.envelope
            out["requests"].append({"service": service, "operation": name, "soapAction": method.soap.action,
                                    "envelope": envelope, "multiref": to_multiref(envelope), "values": plain(values)})
            path = os.path.join(responses, name + ".xml")
            if os.path.exists(path):
                with open(path, "rb") as reply:
                    try:
                        result = context.process_reply(reply.read(), 200, None)
                        out["responses"].append({"service": service, "operation": name,
                                                 "values": suds_values(result)})
                    except Exception as error:  # reported to the Swift test, which fails with it
                        out["responses"].append({"service": service, "operation": name, "error": repr(error)})
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
