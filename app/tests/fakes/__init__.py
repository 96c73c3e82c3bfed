"""Test doubles of the services the app talks to; never shipped in the product package."""
