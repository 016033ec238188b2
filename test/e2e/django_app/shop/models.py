"""The shop app: the field types a Django app commonly has. HANGAR_DJANGO_STAGE=2 is the app's
next version (migration 0002): unique_together changes, a db_index and a unique are dropped, a
max_length grows."""
import os
import uuid

from django.db import models

NEXT = os.environ.get("HANGAR_DJANGO_STAGE") == "2"


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60)
    description = models.TextField(blank=True)


class Product(models.Model):
    sku = models.CharField(max_length=40 if NEXT else 20, db_index=not NEXT)
    name = models.CharField(max_length=100)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="products")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.PositiveIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True)
    weight = models.FloatField(null=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=not NEXT)
    attributes = models.JSONField(null=True)
    created = models.DateTimeField(auto_now_add=True)
    available_from = models.DateField(null=True)
    opens_at = models.TimeField(null=True)
    active = models.BooleanField(default=True)
    views = models.BigIntegerField(default=0)
    delta = models.SmallIntegerField(default=0)

    class Meta:
        unique_together = [("category", "sku")] if NEXT else [("category", "name")]


class Order(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.PositiveSmallIntegerField()
    placed_at = models.DateTimeField()
    note = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True)
    code = models.CharField(max_length=12, unique=True)
