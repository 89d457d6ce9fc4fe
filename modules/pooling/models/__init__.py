from modules.pooling.models.equipment import (
    ACTIVE,
    Booking,
    ConditionReport,
    Equipment,
    EquipmentUnit,
    OrganizationFeed,
    Unavailability,
)
from modules.pooling.models.purchases import Campaign, DeliverySite, Pledge, PriceTier, Product, Share

__all__ = [
    "ACTIVE",
    "Booking",
    "Campaign",
    "ConditionReport",
    "DeliverySite",
    "Equipment",
    "EquipmentUnit",
    "OrganizationFeed",
    "Pledge",
    "PriceTier",
    "Product",
    "Share",
    "Unavailability",
]
