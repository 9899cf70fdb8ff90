from django.shortcuts import render


def board_designer(request):
    return render(request, "board_designer.html")
