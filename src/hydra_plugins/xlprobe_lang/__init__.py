"""Hydra plugin: ``lang=<code>`` for every language of xlprobe's registry.

Hydra config groups are files; writing ``conf/lang/<code>.yaml`` for each of ~300 languages by
hand is what this replaces. :class:`LanguageRegistrySearchPath` appends the config source
``xlprobe-lang://`` to every app's search path (after ``conf/``, so a file there wins: the
hand-written ``conf/lang/de.yaml`` keeps its meaning), and :class:`LanguageRegistrySource`
serves ``lang/<code>`` for every code :func:`xlprobe.data.languages.lookup` accepts, built by
:func:`xlprobe.data.lang_sets.lang_config`. Importing the plugin registers the OmegaConf
resolvers those configs use (Hydra imports every ``hydra_plugins`` module before it composes,
and hands the resolvers to joblib and submitit workers with its state).
"""

from __future__ import annotations

from hydra.core.config_search_path import ConfigSearchPath
from hydra.core.object_type import ObjectType
from hydra.plugins.config_source import ConfigResult, ConfigSource
from hydra.plugins.search_path_plugin import SearchPathPlugin
from omegaconf import OmegaConf

from xlprobe.data.lang_sets import is_lang_code, lang_config, register_resolvers

GROUP = "lang"
SCHEME = "xlprobe-lang"

register_resolvers()


class LanguageRegistrySource(ConfigSource):
    """The ``lang`` config group, one option per registry code (module docstring)."""

    @staticmethod
    def scheme() -> str:
        return SCHEME

    @staticmethod
    def _option(config_path: str) -> str | None:
        """``lang/deu_Latn(.yaml)`` -> ``deu_Latn``; None for any other path."""
        group, _, name = config_path.strip("/").partition("/")
        if group != GROUP or not name or "/" in name:
            return None
        return name.removesuffix(".yaml")

    def load_config(self, config_path: str) -> ConfigResult:
        code = self._option(config_path)
        return ConfigResult(
            provider=self.provider,
            path=f"{self.scheme()}://{self.path}",
            config=OmegaConf.create(lang_config(code or "")),
            header={"package": None},
        )

    def available(self) -> bool:
        return True

    def is_group(self, config_path: str) -> bool:
        return config_path.strip("/") == GROUP

    def is_config(self, config_path: str) -> bool:
        code = self._option(config_path)
        return code is not None and is_lang_code(code)

    def list(self, config_path: str, results_filter: ObjectType | None) -> list[str]:
        from xlprobe.data.languages import all_languages

        path = config_path.strip("/")
        if path == "" and results_filter in (None, ObjectType.GROUP):
            return [GROUP]
        if path == GROUP and results_filter in (None, ObjectType.CONFIG):
            return sorted(lang.code for lang in all_languages())
        return []


class LanguageRegistrySearchPath(SearchPathPlugin):
    """Appends ``xlprobe-lang://`` to the config search path."""

    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        search_path.append(provider="xlprobe-lang", path=f"{SCHEME}://")
