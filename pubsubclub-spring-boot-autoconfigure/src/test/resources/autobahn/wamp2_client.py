"""A real WAMP v2 client for the tests: Autobahn|Python (Debian's python3-autobahn) on asyncio.

Usage: wamp2_client.py URL REALM COMMAND [ARG...]; one JSON object per line on stdout:
  subscribe TOPIC COUNT          {"ready": true, "session": id}, then {"args": [...], "kwargs": {...}, "publisher": id} per event
  publish TOPIC ARGS KWARGS OPTS {"published": publication id}  (acknowledged)
  call PROC ARGS KWARGS          {"result": args, "kwargs": kwargs} or {"error": uri, "args": [...]}
  register PROC                  {"ready": true}; serves PROC (returns the sum of its arguments) until stdin closes
  login AUTHID SECRET            {"welcome": {"authid": .., "authrole": .., "authmethod": ..}} or {"abort": reason}
  hello                          {"session": id} and leaves with GOODBYE: {"left": reason}
Options: --authid ID --secret S log in with WAMP-CRA first (every command). Exits 0 when done.
"""
import asyncio
import json
import sys

from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession
from autobahn.wamp import auth
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import PublishOptions, SubscribeOptions


def out(obj):
    print(json.dumps(obj), flush=True)


def main():
    argv = sys.argv[1:]
    authid = secret = None
    if "--authid" in argv:
        i = argv.index("--authid")
        authid = argv[i + 1]
        del argv[i:i + 2]
    if "--secret" in argv:
        i = argv.index("--secret")
        secret = argv[i + 1]
        del argv[i:i + 2]
    url, realm, command, args = argv[0], argv[1], argv[2], argv[3:]
    if command == "login":
        authid, secret = args[0], args[1]

    class Client(ApplicationSession):

        def onConnect(self):
            if authid is not None:
                self.join(self.config.realm, ["wampcra"], authid)
            else:
                self.join(self.config.realm)

        def onChallenge(self, challenge):
            key = secret.encode("utf8")
            if "salt" in challenge.extra:
                key = auth.derive_key(secret, challenge.extra["salt"], challenge.extra.get("iterations"),
                                      challenge.extra.get("keylen"))
            return auth.compute_wcs(key, challenge.extra["challenge"].encode("utf8")).decode("ascii")

        async def onJoin(self, details):
            try:
                await self.run(details)
            except ApplicationError as e:
                out({"error": e.error, "args": list(e.args)})
            self.leave()

        async def run(self, details):
            if command == "login":
                out({"welcome": {"authid": details.authid, "authrole": details.authrole,
                                 "authmethod": details.authmethod}})
            elif command == "hello":
                out({"session": details.session})
            elif command == "subscribe":
                topic, count = args[0], int(args[1])
                done = asyncio.get_event_loop().create_future()
                seen = []

                def on_event(*a, **kw):
                    d = kw.pop("details", None)
                    out({"args": list(a), "kwargs": kw, "publisher": getattr(d, "publisher", None)})
                    seen.append(1)
                    if len(seen) >= count and not done.done():
                        done.set_result(True)

                await self.subscribe(on_event, topic, options=SubscribeOptions(details_arg="details"))
                out({"ready": True, "session": details.session})
                await done
            elif command == "publish":
                topic = args[0]
                pargs = json.loads(args[1])
                pkwargs = json.loads(args[2])
                opts = json.loads(args[3]) if len(args) > 3 else {}
                pub = await self.publish(topic, *pargs, options=PublishOptions(acknowledge=True, **opts), **pkwargs)
                out({"published": pub.id})
            elif command == "call":
                result = await self.call(args[0], *json.loads(args[1]), **json.loads(args[2]))
                if hasattr(result, "results"):
                    out({"result": list(result.results), "kwargs": result.kwresults})
                else:
                    out({"result": [result], "kwargs": {}})
            elif command == "register":
                await self.register(lambda *a: sum(a), args[0])
                out({"ready": True})
                await asyncio.get_event_loop().run_in_executor(None, sys.stdin.read)

        def onLeave(self, details):
            if command == "hello":
                out({"left": details.reason})
            elif details.reason not in ("wamp.close.normal", "wamp.close.goodbye_and_out", "wamp.close.close_realm"):
                out({"abort": details.reason, "message": details.message})
            self.disconnect()

        def onDisconnect(self):
            asyncio.get_event_loop().stop()

    ApplicationRunner(url, realm).run(Client)


if __name__ == "__main__":
    main()
