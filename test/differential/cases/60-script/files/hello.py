print("python", __name__)
