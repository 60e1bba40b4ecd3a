"""Reminders and messages (issue 9): what a client chooses, their phones, trainers' messages,
and `flask send-due`, which plans what is due and sends it with Web Push.

- due.py       when each reminder falls due (London wall-clock times, quiet hours, clock changes)
- plan.py      turns what is due into notification rows, once each (the unique key)
- payloads.py  what a push says: never any health data, only where tapping it goes
- vapid.py     the service's VAPID key pair (generated once, kept out of the repo)
- send.py      claims due notifications, sends them with pywebpush, logs every attempt
- choice_views.py   the client's reminder choices and their phones (subscribe / turn off)
- message_views.py  the client's message list and a trainer's "send a message"
- commands.py  `flask vapid-keys` and `flask send-due`
"""
