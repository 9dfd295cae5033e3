print("cdm-registryd: being built")
