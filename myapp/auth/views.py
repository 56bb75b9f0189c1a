from flask import redirect, render_template, url_for
from flask_login import logout_user

from myapp.auth import bp


@bp.get("/login")
def login() -> str:
    return render_template("auth/login.html")


@bp.get("/register")
def register() -> str:
    return render_template("auth/register.html")


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("pages.home"))
