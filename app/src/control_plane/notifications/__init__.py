"""Notifications to the operators' channels (Apprise): the event map, and how they are sent."""
