"""Creating and editing services (site admins only)."""

from flask import abort, flash, redirect, url_for
from sqlmodel import select

from models import Service
from pwa import db
from pwa.admin import bp
from pwa.admin.forms import ServiceForm
from pwa.policy import audit, requires
from pwa.rendering import render


@bp.get("/services")
@requires("admin.services")
def services():
    rows = db.session().exec(select(Service).order_by(Service.name)).all()
    return render("admin/services.html", services=rows)


@bp.route("/services/new", methods=["GET", "POST"])
@requires("admin.services")
def new_service():
    form = ServiceForm(
        data={"is_active": True, "yearly_client_target": 0, "target_ward_share": 0, "trainee_mode": "full"}
    )
    return _save_service(form, Service(slug="", name=""), created=True)


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@requires("admin.services")
def edit_service(service_id: int):
    service = db.session().get(Service, service_id) or abort(404)
    form = ServiceForm(obj=service)
    if not form.is_submitted():
        form.target_wards.data = "\n".join(service.target_wards)
    return _save_service(form, service, created=False)


def _save_service(form: ServiceForm, service: Service, created: bool):
    if form.validate_on_submit():
        taken = (
            db.session().exec(select(Service).where(Service.slug == form.slug.data, Service.id != service.id)).first()
        )
        if taken:
            form.slug.errors.append("Another service already uses this short name. Choose another.")
        else:
            service.name = form.name.data
            service.slug = form.slug.data
            service.area = form.area.data or ""
            service.yearly_client_target = form.yearly_client_target.data
            service.target_wards = form.ward_list()
            service.target_ward_share = float(form.target_ward_share.data)
            service.is_active = form.is_active.data
            service.trainee_mode = form.trainee_mode.data
            service.public_directory = form.public_directory.data
            db.session().add(service)
            db.session().commit()
            audit("create_service" if created else "edit_service", detail=service.slug)
            flash(f"Saved {service.name}.", "success")
            return redirect(url_for("admin.services"))
    return render("admin/service_form.html", form=form, service=service, created=created), 422 if form.errors else 200
