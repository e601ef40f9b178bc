import os
from os import environ as env
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic import Field, AliasChoices
import environ

PREFIX = "APP_" + "X"
A = os.environ["A"]
B = os.getenv("B", "d") or os.environ.get("C")
if "D" in os.environ:
    D = os.environ["D"]
e = environ.Env()
E = e.str("E", default="x")

def helper(name):
    return os.getenv(name + "_FILE")

helper("F")

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", env_nested_delimiter="__")
    g: str = Field(validation_alias=AliasChoices("G", "GG"))
    h: int = 3
