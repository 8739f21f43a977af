"""What Python's urllib (which the aws CLI's botocore asks) chooses for https URLs.

Reads a JSON list of {"environment": {...}, "netloc": "host[:port]"} on stdin; prints a JSON list
of the proxy URL each would use, or null for a direct connection.
"""
import json
import os
import sys
import urllib.request

answers = []
for case in json.load(sys.stdin):
    os.environ.clear()
    os.environ.update(case["environment"])
    proxies = urllib.request.getproxies_environment()
    bypass = urllib.request.proxy_bypass_environment(case["netloc"], proxies)
    answers.append(None if bypass else proxies.get("https"))
print(json.dumps(answers))
