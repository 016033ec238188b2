"""Data of the end-to-end Django app (test/e2e/django.sh), run with the app's settings:

    data.py fill DUMP    creates users, categories, products and orders through the ORM (on the
                         SQLite database) and writes every object as Django serializes it to DUMP
    data.py check DUMP   on the migrated PostgreSQL database: every object reads back equal to
                         DUMP (tz-aware datetimes, UUIDs, JSON, Decimals), lookups by UUID and by
                         JSON key work, the admin logs in with the old password, and new objects
                         get ids after the old ones
    data.py change -     the app at work on SQLite (with change capture on): a JSONField and a
                         user changed, a product and an order created, an order deleted
"""
import datetime
import decimal
import json
import os
import sys
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import django  # noqa: E402

django.setup()
from django.contrib.auth import authenticate  # noqa: E402
from django.contrib.auth.models import Group, Permission, User  # noqa: E402
from django.core import serializers  # noqa: E402

from shop.models import Category, Order, Product  # noqa: E402

MODELS = [User, Group, Category, Product, Order]
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def dump():
    objects = []
    for model in MODELS:
        objects.extend(json.loads(serializers.serialize("json", model.objects.order_by("pk"))))
    return objects


def fill(path):
    admin = User.objects.create_superuser("admin", "admin@example.com", "old-password")
    editors = Group.objects.create(name="editors")
    editors.permissions.set(Permission.objects.filter(codename__startswith="change_")[:3])
    User.objects.create_user("ünïcode", "u@example.com", "pw2").groups.add(editors)
    cats = [Category.objects.create(name=n, slug=n.lower().replace(" ", "-"), description=d)
            for n, d in [("Tools", ""), ("Garden Things", "for the garden"), ("Ünïcode ✓", "naïve")]]
    products = []
    for i in range(40):
        products.append(Product.objects.create(
            sku=f"SKU-{i:04d}", name=f"product {i}", category=cats[i % 3],
            price=decimal.Decimal(f"{i * 7}.{i % 100:02d}"), stock=i * 3, rating=None if i % 5 == 0 else i % 6,
            weight=None if i % 4 == 0 else i * 0.25, attributes=None if i % 7 == 0 else
            {"color": ["red", "green", "blue"][i % 3], "tags": [i, str(i)], "nested": {"x": i / 4}},
            available_from=datetime.date(2024, 1 + i % 12, 1 + i % 28) if i % 3 else None,
            opens_at=datetime.time(i % 24, i % 60, 30, 123456) if i % 2 else None,
            active=i % 6 != 0, views=2 ** 40 + i, delta=-i))
    Product.objects.filter(pk=products[1].pk).update(created=datetime.datetime(2024, 3, 31, 1, 30, tzinfo=PARIS))
    for i in range(120):
        Order.objects.create(product=products[i % 40], quantity=i % 9, note=f"note {i}" if i % 2 else "",
                             placed_at=datetime.datetime(2024, 1, 1, 12, 0, 0, i * 1000, tzinfo=datetime.timezone.utc)
                             + datetime.timedelta(hours=i * 5),
                             ip=["10.0.0.%d" % i, "2001:db8::%x" % i, None][i % 3], code=f"ORD{i:05d}")
    Order.objects.filter(code="ORD00119").delete()  # an id SQLite has used and does not reuse
    assert admin.check_password("old-password")
    return dump()


def change():
    product = Product.objects.exclude(attributes=None).order_by("pk").first()
    product.attributes = {"color": "violet", "tags": ["changed"], "nested": {"x": None}}
    product.save()
    new = Product.objects.create(sku="SKU-NEW", name="made with capture on", category=product.category,
                                 price=decimal.Decimal("9.99"), attributes={"k": "ü"})
    Order.objects.create(product=new, quantity=2, placed_at=datetime.datetime(2025, 1, 1, tzinfo=PARIS), code="CAP")
    Order.objects.filter(code="ORD00001").delete()
    User.objects.filter(username="admin").update(email="admin@new.example.com")


def same_decimals(objects):
    """Prices as Decimal values: SQLite keeps a DecimalField's 0.00 as the integer 0, and without
    its max_digits and decimal_places (which only the app's migrations hold) PostgreSQL's column
    is numeric, which reads 0 back as 0, equal as a Decimal but not as text (README, Django)."""
    for obj in objects:
        if obj["model"] == "shop.product":
            obj["fields"]["price"] = decimal.Decimal(obj["fields"]["price"])
    return objects


def check(path):
    expected = same_decimals(json.load(open(path)))
    actual = same_decimals(dump())
    if actual != expected:
        for a, e in zip(actual, expected):
            if a != e:
                print("django: FAILED: read back %s, expected %s" % (a, e))
                break
        sys.exit("django: FAILED: %d objects read back, %d expected, not equal" % (len(actual), len(expected)))
    print("django: all %d objects read back equal through the ORM" % len(actual))
    some = Product.objects.exclude(attributes=None).order_by("pk").first()
    assert Product.objects.get(uid=some.uid).pk == some.pk, "lookup by UUID"
    assert isinstance(some.uid, uuid.UUID)
    reds = Product.objects.filter(attributes__color="red").count()
    assert reds == sum(1 for i in range(40) if i % 7 and i % 3 == 0), "JSON key lookup: %d" % reds
    assert Product.objects.filter(attributes__tags__contains=[3]).count() == 1, "JSON containment"
    assert Order.objects.filter(placed_at__date=datetime.date(2024, 1, 1)).count() == 3, "date of a tz-aware datetime"
    assert Product.objects.filter(price__gt=decimal.Decimal("200.5")).count() == 11, "Decimal comparison"
    assert authenticate(username="admin", password="old-password") is not None, "admin login"
    assert authenticate(username="admin", password="wrong") is None
    last = {m: m.objects.order_by("-pk").first().pk for m in (Category, Product, Order, User)}
    cat = Category.objects.create(name="New", slug="new")
    prod = Product.objects.create(sku="NEW", name="new", category=cat, price=decimal.Decimal("1.00"))
    order = Order.objects.create(product=prod, quantity=1, placed_at=datetime.datetime.now(datetime.timezone.utc),
                                 code="NEW")
    user = User.objects.create_user("new", "new@example.com", "pw")
    assert order.pk > 120, "the deleted order's id (120) is not handed out again: got %d" % order.pk
    for obj in (cat, prod, order, user):
        assert obj.pk > last[type(obj)], "%s got id %d, not after %d" % (type(obj).__name__, obj.pk, last[type(obj)])
    print("django: UUID and JSON lookups, Decimal and tz-aware comparisons, the admin's old password and "
          "fresh ids (order %d after 120) all work" % order.pk)


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "fill":
        json.dump(fill(path), open(path, "w"))
    elif mode == "change":
        change()
    else:
        check(path)
