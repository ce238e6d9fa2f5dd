"""Portal: accounts and log-in, callers and their scope, the audit trail, complaints and the regional
dashboard."""
