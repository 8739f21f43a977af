"""A throw-away rolecall home with profiles at the bundled emulator on loopback, for the scripts that run
the client (scripts/bench, scripts/measure-client, scripts/startup-order). Standard library only."""
import contextlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/bench"
PROFILE = f"arn:aws:rolesanywhere:us-east-1:{ACCOUNT}:profile/bench"
ANCHOR = f"arn:aws:rolesanywhere:us-east-1:{ACCOUNT}:trust-anchor/rolecall"


@contextlib.contextmanager
def client_world(rolecall, emulator):
    """Profiles `nomfa` (`--mfa off`) and `mfa` (`--mfa required`) at a fresh emulator: yields the
    environment to run rolecall in and the TOTP seed's otpauth:// URI."""
    directory = Path(tempfile.mkdtemp(prefix="rolecall-world."))
    env = {"PATH": os.environ["PATH"], "HOME": str(directory), "ROLECALL_HOME": str(directory / "home"),
           "TMPDIR": str(directory), "LANG": "C.UTF-8"}
    server = None
    try:
        initialized = json.loads(subprocess.run([rolecall, "init", "--user", "bench", "--json", "--no-verify"], env=env,
                                                capture_output=True, text=True, check=True).stdout)
        (directory / "rolecall-ca.pem").write_text(initialized["caCertificatePEM"])
        config = {"accountId": ACCOUNT, "trustAnchors": [{"arn": ANCHOR, "certificatePath": "rolecall-ca.pem"}],
                  "profiles": [{"arn": PROFILE, "roleArns": [ROLE], "durationSeconds": 3600}],
                  "roles": [{"arn": ROLE, "maxSessionDuration": 3600}]}
        (directory / "emulator.json").write_text(json.dumps(config))
        server = subprocess.Popen([emulator, "--config", str(directory / "emulator.json"), "--port", "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        url = server.stdout.readline().strip()
        for name, mfa in [("nomfa", "off"), ("mfa", "required")]:
            subprocess.run([rolecall, "profile", "add", name, "--role-arn", ROLE, "--profile-arn", PROFILE,
                            "--trust-anchor-arn", ANCHOR, "--mfa", mfa, "--endpoint", url], env=env,
                           capture_output=True, check=True)
        yield env, initialized["otpauthURI"]
    finally:
        if server:
            server.terminate()
            server.wait()
        subprocess.run(["rm", "-rf", str(directory)])
