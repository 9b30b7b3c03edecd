"""scan: the vulnerability gate's policy of a release (`openstack_release(scan_policy = ...)`).

`scan.policy` and `scan.waiver` build the JSON that `citadel scan --policy` reads; `citadel`
decodes the same calls from the BUILD file with buildtools.
"""

def _policy(severity = "HIGH", ignore_unfixed = False, waivers = []):
    """The gate: which findings fail a scan, and which are accepted.

    Args:
      severity: the threshold: an unwaived finding at or above it (UNKNOWN, LOW, MEDIUM, HIGH,
        CRITICAL) fails the scan.
      ignore_unfixed: leave out findings that no released version fixes.
      waivers: scan.waiver entries.

    Returns:
      The policy, JSON-encoded.
    """
    return json.encode({
        "severity": severity,
        "ignore_unfixed": ignore_unfixed,
        "waivers": waivers,
    })

def _waiver(id, package, justification, expires, owner, vex_justification = None):
    """Accepts one vulnerability of one package until a date.

    Args:
      id: any id or alias of the vulnerability (CVE, GHSA, PYSEC, DSA, ...).
      package: the package, its Debian source package, or a purl.
      justification: why it is accepted, for reviewers and the OpenVEX statement.
      expires: YYYY-MM-DD; in force through that day (UTC). An expired waiver fails the scan.
      owner: who answers for it.
      vex_justification: the OpenVEX not_affected justification, if one applies.

    Returns:
      The waiver, as a dict.
    """
    return {
        "id": id,
        "package": package,
        "justification": justification,
        "expires": expires,
        "owner": owner,
        "vex_justification": vex_justification or "",
    }

scan = struct(
    policy = _policy,
    waiver = _waiver,
)
