"""Strict JSON request bodies.

Litestar converts a decoded body into the handler's type in lax mode, so ``{"is_active": 0}`` becomes
``False`` and ``{"material_cost": "nan"}`` a float NaN. For every :class:`~pipelineos_api.platform.schemas.Input`
body this plugin decodes the raw bytes straight into the DTO with ``strict=True`` instead: wrong JSON types,
unknown fields, values outside their constraints and malformed JSON are all a 400 problem naming the field.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Generic, TypeVar

import msgspec
from litestar.dto import MsgspecDTO
from litestar.dto.base_dto import AbstractDTO
from litestar.exceptions import ValidationException
from litestar.openapi.spec import Reference, Schema
from litestar.plugins import SerializationPlugin
from litestar.typing import FieldDefinition

from pipelineos_api.platform.schemas import Input

T = TypeVar("T", bound=Input)


@cache
def _decoder(model: type[Input]) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(model, strict=True)


class StrictBodyDTO(MsgspecDTO[T], Generic[T]):
    """Decodes the body with ``msgspec.json.decode(..., type=<DTO>, strict=True)``."""

    def decode_bytes(self, value: bytes) -> Any:
        """The DTO instance, or a 400 ValidationException saying which field is wrong."""
        try:
            return _decoder(self.model_type).decode(value)
        except msgspec.ValidationError as exc:
            message, _, where = str(exc).partition(" - at `")
            key = where.rstrip("`").removeprefix("$.") or "body"
            raise ValidationException(
                detail="Validation failed", extra=[{"message": message, "key": key, "source": "body"}]
            ) from exc
        except msgspec.DecodeError as exc:
            raise ValidationException(detail=f"JSON is malformed: {exc}") from exc

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: Any
    ) -> Reference | Schema:
        """The plain model's schema (a component named after the DTO), not a generated transfer model."""
        plain = FieldDefinition.from_annotation(cls.model_type, name=field_definition.name)
        return schema_creator.for_field_definition(plain)  # type: ignore[no-any-return]


class StrictBodyPlugin(SerializationPlugin):
    """Attach :class:`StrictBodyDTO` to every handler whose ``data`` is an ``Input`` DTO."""

    def supports_type(self, field_definition: FieldDefinition) -> bool:
        """True for request DTOs (subclasses of ``Input``)."""
        return field_definition.is_subclass_of(Input)

    def create_dto_for_type(self, field_definition: FieldDefinition) -> type[AbstractDTO[Any]]:
        """The strict DTO of the model."""
        return StrictBodyDTO[field_definition.annotation]  # type: ignore[name-defined]
